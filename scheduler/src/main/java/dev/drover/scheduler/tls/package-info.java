/**
 * HTTPS for the scheduler's API: a certificate and key from PEM files or a self-signed pair made
 * at first start and kept, its SHA-256 fingerprint (what clients pin), and the {@link
 * dev.drover.scheduler.tls.Transport} that says whether the API serves plain HTTP or TLS 1.3.
 */
package dev.drover.scheduler.tls;
