/** Loopback emulators of Auth0 and Marketo, and synthetic users. */
package io.leadbridge.testkit;
