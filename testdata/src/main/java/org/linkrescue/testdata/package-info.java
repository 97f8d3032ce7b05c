/** Generators of snapshot trees and small fixtures for the tests of every module. */
package org.linkrescue.testdata;
