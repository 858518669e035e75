/**
 * The HTTP plumbing the testkit's emulators share, not part of the API: the testkit's module does
 * not export this package. {@link io.leadbridge.testkit.internal.EmulatorServer} runs one emulated
 * service on a loopback port: it reads each request, classifies it as one of the service's
 * endpoints, records it in a {@link io.leadbridge.testkit.internal.RequestLog}, applies the {@link
 * io.leadbridge.testkit.internal.Fault}s set for it and hands it, as an {@link
 * io.leadbridge.testkit.internal.Exchange}, to the service's handler for that endpoint. Time comes
 * from an injected clock and every injected delay waits through an injected sleeper, so a test with
 * a {@code ManualClock} never really waits.
 */
package io.leadbridge.testkit.internal;
