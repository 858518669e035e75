package io.leadbridge.testkit.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Makes one self-signed X.509 certificate for the loopback host: an EC P-256 key, signed with
 * SHA256withECDSA, valid from a day ago for a year, for {@code 127.0.0.1}, {@code ::1} and {@code
 * localhost}, and usable as its own trust anchor (basic constraints CA, key usage digital signature
 * and certificate signing, extended key usage server authentication, subject and authority key
 * identifiers), as {@code openssl req -x509} makes one.
 *
 * <p>Hand-written because the JDK has no public API that builds a certificate, and {@code keytool}
 * is not in every Java runtime; this is the DER encoding of one fixed certificate shape and nothing
 * more (RFC 5280). Thread-safe: it keeps no state.
 */
public final class SelfSignedCertificate {
  /** The certificate and its key. */
  public record Issued(X509Certificate certificate, KeyPair keys) {
    @Override
    public String toString() {
      return "Issued[" + certificate.getSubjectX500Principal() + "]"; // never the private key
    }
  }

  private static final int SEQUENCE = 0x30;
  private static final int SET = 0x31;
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private SelfSignedCertificate() {}

  /**
   * Makes a new key and a certificate for it.
   *
   * @param commonName the subject's and issuer's common name
   * @param now the current time, by the real clock: clients check validity against it
   * @return the certificate and its key
   * @throws IllegalStateException if the JDK lacks EC keys or SHA256withECDSA
   */
  public static Issued create(String commonName, Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair keys = generator.generateKeyPair();
      byte[] spki = keys.getPublic().getEncoded();
      byte[] keyId = keyIdentifier(spki);
      byte[] algorithm = seq(oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256
      byte[] name = seq(set(seq(oid("2.5.4.3"), tlv(0x0C, commonName.getBytes(UTF8)))));
      byte[] serial = new byte[16];
      new SecureRandom().nextBytes(serial);
      serial[0] &= 0x7F; // positive
      byte[] tbs =
          seq(
              tlv(0xA0, integer(BigInteger.valueOf(2))), // version 3
              integer(new BigInteger(1, serial)),
              algorithm,
              name,
              seq(time(now.minus(Duration.ofDays(1))), time(now.plus(Duration.ofDays(365)))),
              name,
              spki,
              tlv(0xA3, seq(extensions(keyId))));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(keys.getPrivate());
      signer.update(tbs);
      byte[] der = seq(tbs, algorithm, bitString(signer.sign(), 0));
      X509Certificate certificate =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      return new Issued(certificate, keys);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("Cannot make a self-signed certificate: " + e, e);
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static byte[][] extensions(byte[] keyId) throws java.io.IOException {
    byte[] loopback4 = InetAddress.getByName("127.0.0.1").getAddress();
    byte[] loopback6 = InetAddress.getByName("::1").getAddress();
    byte[] names =
        seq(
            tlv(0x87, loopback4), // iPAddress
            tlv(0x87, loopback6),
            tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII))); // dNSName
    byte[] critical = tlv(0x01, new byte[] {(byte) 0xFF});
    return new byte[][] {
      seq(oid("2.5.29.19"), critical, octets(seq(tlv(0x01, new byte[] {(byte) 0xFF})))),
      // digitalSignature (bit 0) and keyCertSign (bit 5)
      seq(oid("2.5.29.15"), critical, octets(bitString(new byte[] {(byte) 0x84}, 2))),
      seq(oid("2.5.29.37"), octets(seq(oid("1.3.6.1.5.5.7.3.1")))), // serverAuth
      seq(oid("2.5.29.17"), octets(names)),
      seq(oid("2.5.29.14"), octets(octets(keyId))),
      seq(oid("2.5.29.35"), octets(seq(tlv(0x80, keyId))))
    };
  }

  /** The SHA-1 of the public key's bits, as RFC 5280 section 4.2.1.2 suggests. */
  private static byte[] keyIdentifier(byte[] spki) throws GeneralSecurityException {
    // SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }
    int[] outer = length(spki, 1);
    int[] algorithm = length(spki, outer[1] + 1);
    int bits = algorithm[1] + algorithm[0];
    int[] key = length(spki, bits + 1);
    byte[] publicKey = Arrays.copyOfRange(spki, key[1] + 1, key[1] + key[0]); // skip unused-bits
    return MessageDigest.getInstance("SHA-1").digest(publicKey);
  }

  /** The length at a position: {length, position of the content}. */
  private static int[] length(byte[] der, int at) {
    int first = der[at] & 0xFF;
    if (first < 0x80) {
      return new int[] {first, at + 1};
    }
    int n = first & 0x7F;
    int length = 0;
    for (int k = 1; k <= n; k++) {
      length = (length << 8) | (der[at + k] & 0xFF);
    }
    return new int[] {length, at + 1 + n};
  }

  private static byte[] time(Instant t) {
    int year = t.atZone(ZoneOffset.UTC).getYear();
    return year < 2050
        ? tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII))
        : tlv(0x18, GENERALIZED_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] integer(BigInteger value) {
    return tlv(0x02, value.toByteArray());
  }

  private static byte[] octets(byte[] content) {
    return tlv(0x04, content);
  }

  private static byte[] bitString(byte[] content, int unusedBits) {
    byte[] b = new byte[content.length + 1];
    b[0] = (byte) unusedBits;
    System.arraycopy(content, 0, b, 1, content.length);
    return tlv(0x03, b);
  }

  private static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long v = Long.parseLong(parts[i]);
      byte[] base128 = new byte[10];
      int n = 0;
      do {
        base128[n++] = (byte) (v & 0x7F);
        v >>>= 7;
      } while (v > 0);
      for (int k = n - 1; k >= 0; k--) {
        out.write(base128[k] | (k > 0 ? 0x80 : 0));
      }
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(SEQUENCE, concat(parts));
  }

  private static byte[] set(byte[]... parts) {
    return tlv(SET, concat(parts));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] tlv(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }
}
