/**
 * A job's files: the deterministic, content-addressed pack the client makes of the user's directory or
 * archive ({@link dev.drover.core.files.FilesPack}), and the worker's cache of unpacked packs
 * ({@link dev.drover.core.files.FilesCache}) from which every task's working directory is filled.
 */
package dev.drover.core.files;
