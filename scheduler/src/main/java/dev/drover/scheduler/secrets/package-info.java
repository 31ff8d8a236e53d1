/**
 * Where the scheduler hands the values only it can make: the first admin's token ({@link
 * dev.drover.scheduler.secrets.AdminTokenSink}: a mode-0600 file, or an SSM SecureString
 * parameter on the deployed stack) and its certificate's fingerprint (an SSM String parameter).
 */
package dev.drover.scheduler.secrets;
