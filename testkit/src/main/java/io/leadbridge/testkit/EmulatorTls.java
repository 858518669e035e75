package io.leadbridge.testkit;

import io.leadbridge.testkit.internal.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTPS for the emulators, for clients that refuse plain {@code http://} (node-auth0 4.x and later,
 * auth0-java 3.x {@code domain()}): a self-signed certificate for {@code 127.0.0.1}, {@code ::1}
 * and {@code localhost}, made in memory when created, and the means for clients to trust it.
 *
 * <pre>{@code
 * EmulatorTls tls = EmulatorTls.selfSigned();
 * try (Auth0Emulator auth0 = Auth0Emulator.builder().tls(tls).start()) {
 *   HttpClient http = HttpClient.newBuilder().sslContext(tls.sslContext()).build();   // Java
 *   Path pem = tls.writeCertificatePem(Path.of("emulator.pem"));   // curl --cacert, NODE_EXTRA_CA_CERTS,
 *   ...                                                              // REQUESTS_CA_BUNDLE
 * }
 * }</pre>
 *
 * <p>One instance can serve both emulators. The private key never leaves the object and is not in
 * its {@link #toString()}. Immutable and thread-safe.
 */
public final class EmulatorTls {
  private static final char[] PASSWORD = "emulator".toCharArray();

  private final X509Certificate certificate;
  private final SSLContext server;
  private final SSLContext client;

  private EmulatorTls(SelfSignedCertificate.Issued issued) {
    this.certificate = issued.certificate();
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "emulator", issued.keys().getPrivate(), PASSWORD, new Certificate[] {certificate});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASSWORD);
      this.server = SSLContext.getInstance("TLS");
      server.init(kmf.getKeyManagers(), null, null);

      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("emulator", certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      this.client = SSLContext.getInstance("TLS");
      client.init(null, tmf.getTrustManagers(), null);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("Cannot set up TLS for the emulators: " + e, e);
    }
  }

  /**
   * Makes a new key pair and a self-signed certificate for the loopback host, valid from a day ago
   * for a year by the real clock.
   *
   * @return the TLS material
   * @throws IllegalStateException if the JDK lacks EC keys or ECDSA signatures
   */
  public static EmulatorTls selfSigned() {
    return new EmulatorTls(SelfSignedCertificate.create("Leadbridge emulator", Instant.now()));
  }

  /**
   * An {@link SSLContext} that trusts this certificate and no other, for Java clients: {@code
   * HttpClient.newBuilder().sslContext(tls.sslContext())}.
   *
   * @return the client context
   */
  public SSLContext sslContext() {
    return client;
  }

  /**
   * The certificate, to add to a trust store of your own.
   *
   * @return the certificate
   */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * The certificate in PEM form, for clients in other languages ({@code curl --cacert}, {@code
   * NODE_EXTRA_CA_CERTS}, Python's {@code REQUESTS_CA_BUNDLE} or {@code verify=}).
   *
   * @return the PEM text, {@code -----BEGIN CERTIFICATE-----} to {@code -----END CERTIFICATE-----}
   */
  public String certificatePem() {
    try {
      String base64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(certificate.getEncoded());
      return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("Cannot encode the certificate", e);
    }
  }

  /**
   * Writes {@link #certificatePem()} to a file, replacing it.
   *
   * @param file the file
   * @return the file
   * @throws UncheckedIOException if it cannot be written
   */
  public Path writeCertificatePem(Path file) {
    Objects.requireNonNull(file, "file");
    try {
      Files.writeString(file, certificatePem(), StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** The server side: the certificate and its key. */
  SSLContext serverContext() {
    return server;
  }

  @Override
  public String toString() {
    return "EmulatorTls[" + certificate.getSubjectX500Principal().getName() + "]";
  }
}
