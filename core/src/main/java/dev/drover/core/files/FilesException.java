package dev.drover.core.files;

/** A job's files refused, with a reason a user can act on ("a symlink that points outside PATH: ..."). */
public final class FilesException extends Exception {
    public FilesException(String reason) {
        super(reason);
    }
}
