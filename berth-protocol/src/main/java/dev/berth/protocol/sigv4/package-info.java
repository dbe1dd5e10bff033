/**
 * Server-side verification of AWS Signature Version 4, so that the real AWS CLI and SDKs can call
 * Berth with the credentials they already sign with.
 *
 * <p>The front door turns each HTTP request into a {@link dev.berth.protocol.sigv4.SignedRequest}
 * (plain data, no Vert.x types) and calls {@link dev.berth.protocol.sigv4.SigV4Verifier#verify}; it
 * gets a {@link dev.berth.protocol.sigv4.Principal} back or an {@link dev.berth.model.error.AwsException}
 * (HTTP 403) carrying the error code of the protocol's {@link dev.berth.protocol.sigv4.Dialect}.
 * Nothing here does I/O: credentials come from a {@link dev.berth.protocol.sigv4.CredentialResolver}
 * and time from an injected {@link java.time.Clock}.
 */
package dev.berth.protocol.sigv4;
