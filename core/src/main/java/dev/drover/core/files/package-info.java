/**
 * A job's files: the deterministic, content-addressed pack the client makes of the user's directory or
 * archive ({@link dev.drover.core.files.FilesPack}), and the worker's cache of unpacked packs
 * ({@link dev.drover.core.files.FilesCache}) from which every task's working directory is filled: it fetches
 * a pack once ({@code PackFetch}), lends copies checked by their entries' stamps ({@code TreeStamps}), or
 * links them for a task user ({@code TreeLinks}).
 */
package dev.drover.core.files;
