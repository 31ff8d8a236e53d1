/**
 * Where the scheduler hands the values only it can make: the first admin's token ({@link
 * dev.drover.scheduler.secrets.AdminTokenSink}: a mode-0600 file, or an SSM SecureString
 * parameter on the deployed stack, through the {@link dev.drover.core.port.ParameterStore} port whose
 * adapter, {@code dev.drover.aws.SsmParameters}, lives in {@code aws}) and its certificate's fingerprint.
 */
package dev.drover.scheduler.secrets;
