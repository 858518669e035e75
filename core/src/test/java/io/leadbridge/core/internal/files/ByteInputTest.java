package io.leadbridge.core.internal.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.leadbridge.core.internal.Binary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteInputTest {
  /** Every kind of value, with records straddling a buffer of 16 bytes and strings longer. */
  @Test
  void readsBackWhatADataOutputStreamWroteAcrossBufferBoundaries() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SplittableRandom random = new SplittableRandom(3);
    long[] longs = new long[500];
    String[] strings = new String[500];
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (int i = 0; i < 500; i++) {
        longs[i] = random.nextLong();
        strings[i] = i % 5 == 0 ? "" : "Zoë ✓ " + "x".repeat(random.nextInt(40)) + i;
        out.writeByte(i);
        out.writeShort(-i);
        out.writeInt(i * 31);
        out.writeLong(longs[i]);
        Binary.writeVarLong(out, Math.abs(longs[i]) >>> (i % 60));
        Binary.writeString(out, strings[i]);
        out.writeUTF(strings[i]);
        out.writeDouble(i / 3.0);
        out.writeBoolean(i % 2 == 0);
      }
      out.write(new byte[100]); // longer than the buffer
      out.writeByte(7);
    }
    try (ByteInput in = new ByteInput(new ByteArrayInputStream(bytes.toByteArray()), 16)) {
      for (int i = 0; i < 500; i++) {
        assertThat(in.readByte()).isEqualTo((byte) i);
        assertThat(in.readShort()).isEqualTo((short) -i);
        assertThat(in.readInt()).isEqualTo(i * 31);
        assertThat(in.readLong()).isEqualTo(longs[i]);
        assertThat(Binary.readVarLong(in)).isEqualTo(Math.abs(longs[i]) >>> (i % 60));
        assertThat(Binary.readString(in)).isEqualTo(strings[i]);
        assertThat(in.readUTF()).isEqualTo(strings[i]);
        assertThat(in.readDouble()).isEqualTo(i / 3.0);
        assertThat(in.readBoolean()).isEqualTo(i % 2 == 0);
      }
      byte[] big = new byte[100];
      big[0] = 1;
      in.readFully(big);
      assertThat(big).containsOnly(0);
      assertThat(in.readUnsignedByte()).isEqualTo(7);
      assertThatThrownBy(in::readLong).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void skipsAndEndsShortAtTheEndOfTheStream() throws IOException {
    byte[] data = new byte[50];
    data[40] = 9;
    try (ByteInput in = new ByteInput(new ByteArrayInputStream(data), 16)) {
      assertThat(in.skipBytes(40)).isEqualTo(40);
      assertThat(in.readByte()).isEqualTo((byte) 9);
      assertThat(in.skipBytes(100)).isEqualTo(9);
      assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class);
    }
  }
}
