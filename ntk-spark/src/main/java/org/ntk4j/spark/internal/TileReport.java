package org.ntk4j.spark.internal;

import java.io.Serializable;

/**
 * What a task reports for one tile.
 *
 * @param i       block row
 * @param j       block column
 * @param reused  true when the tile was already in the directory (an earlier attempt or run wrote it)
 * @param seconds compute seconds of the rectangle the tile belonged to, divided among its tiles (0 when reused)
 * @param attempt the task attempt that reported it
 */
public record TileReport(int i, int j, boolean reused, double seconds, int attempt) implements Serializable {
}
