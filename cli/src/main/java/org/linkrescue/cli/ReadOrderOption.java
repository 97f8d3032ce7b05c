package org.linkrescue.cli;

import org.linkrescue.migrate.pipeline.Evacuation;
import picocli.CommandLine.Option;

/** --order, shared by the commands that read a tree (archive, migrate). */
final class ReadOrderOption {
    @Option(names = "--order", paramLabel = "name|inode",
            description = "Order in which file data is read ahead (default: name). inode: lowest inode first among the files waiting to be read, far fewer seeks on a spinning disk. The archive and the tree are in name order either way.")
    String order = "name";

    Evacuation.ReadOrder value() {
        return switch (order) {
            case "name" -> Evacuation.ReadOrder.NAME;
            case "inode" -> Evacuation.ReadOrder.INODE;
            default -> throw new ExitCodes.UsageException("--order must be name or inode, not '" + order + "'");
        };
    }
}
