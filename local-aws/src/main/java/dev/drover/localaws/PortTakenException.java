package dev.drover.localaws;

/**
 * An emulator could not listen on the port it was given: something took it between the probe and the
 * emulator's bind (another emulator starting at once, or one of a test that just ended). A fresh
 * start on new ports gets past it.
 */
final class PortTakenException extends IllegalStateException {
    PortTakenException(String message) {
        super(message);
    }
}
