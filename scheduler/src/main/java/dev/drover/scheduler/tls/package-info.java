/**
 * HTTPS for the scheduler's API: a certificate and key from PEM files or a self-signed pair made
 * at first start and kept, its SHA-256 fingerprint (what clients pin), and the {@link
 * dev.drover.scheduler.tls.Transport} that makes the JDK's plain or TLS server.
 */
package dev.drover.scheduler.tls;
