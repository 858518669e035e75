package io.leadbridge.marketo;

import java.io.FileNotFoundException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming {@code multipart/form-data} body: text fields, then one file part read from disk as
 * it is sent, never loaded whole into memory.
 */
final class Multipart {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String boundary;
  private final Map<String, String> fields = new LinkedHashMap<>();
  private String fileField;
  private String fileName;
  private String fileType;
  private Path file;

  Multipart(String boundary) {
    this.boundary = boundary;
  }

  static Multipart withRandomBoundary() {
    StringBuilder b = new StringBuilder("leadbridge-");
    for (int i = 0; i < 24; i++) {
      b.append(Character.forDigit(RANDOM.nextInt(36), 36));
    }
    return new Multipart(b.toString());
  }

  Multipart field(String name, String value) {
    fields.put(name, value);
    return this;
  }

  Multipart file(String name, String fileName, String contentType, Path file) {
    this.fileField = name;
    this.fileName = fileName;
    this.fileType = contentType;
    this.file = file;
    return this;
  }

  String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** The bytes before the file's content. */
  byte[] head() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> f : fields.entrySet()) {
      sb.append("--").append(boundary).append("\r\n");
      sb.append("Content-Disposition: form-data; name=\"").append(f.getKey()).append("\"\r\n");
      sb.append("Content-Type: text/plain; charset=UTF-8\r\n\r\n");
      sb.append(f.getValue()).append("\r\n");
    }
    sb.append("--").append(boundary).append("\r\n");
    sb.append("Content-Disposition: form-data; name=\"")
        .append(fileField)
        .append("\"; filename=\"")
        .append(fileName.replace("\"", "%22").replace("\r", "").replace("\n", ""))
        .append("\"\r\n");
    sb.append("Content-Type: ").append(fileType).append("\r\n\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes after the file's content. */
  byte[] tail() {
    return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
  }

  HttpRequest.BodyPublisher publisher() throws FileNotFoundException {
    return HttpRequest.BodyPublishers.concat(
        HttpRequest.BodyPublishers.ofByteArray(head()),
        HttpRequest.BodyPublishers.ofFile(file),
        HttpRequest.BodyPublishers.ofByteArray(tail()));
  }
}
