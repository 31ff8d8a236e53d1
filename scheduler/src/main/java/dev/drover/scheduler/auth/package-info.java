/**
 * Who is calling: users, their API tokens (256 random bits, stored only as SHA-256 hashes) and
 * the first admin a fresh scheduler creates. The HTTP API asks {@link dev.drover.scheduler.auth.Accounts}
 * who a bearer token belongs to; the users themselves live behind the
 * {@link dev.drover.core.port.UserStore} port.
 */
package dev.drover.scheduler.auth;
