/** The tar format and compression; knows nothing of failing drives. */
package org.linkrescue.archive;
