package org.fcproc.sim;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of regular files, one Jimfs file per inode ({@code /inodes/<dev>-<ino>}). Keying
 * by inode rather than by path is what lets hard links and both sides of a bind mount share
 * bytes, as they share a {@code struct inode} on Linux. Jimfs holds no names of the simulated
 * tree; see {@code package-info}.
 */
final class ContentStore implements AutoCloseable {
  private final FileSystem fs = Jimfs.newFileSystem(Configuration.unix());
  private final Path dir;

  ContentStore() {
    try {
      dir = Files.createDirectories(fs.getPath("/inodes"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path file(Inode inode) {
    return dir.resolve(inode.contentKey());
  }

  void create(Inode inode) {
    write(inode, new byte[0]);
  }

  long size(Inode inode) {
    try {
      Path f = file(inode);
      return Files.exists(f) ? Files.size(f) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] read(Inode inode) {
    try {
      Path f = file(inode);
      return Files.exists(f) ? Files.readAllBytes(f) : new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void write(Inode inode, byte[] bytes) {
    try {
      Files.write(file(inode), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies from {@code from} at {@code fromPos} to {@code to} at {@code toPos}; returns the count. */
  long copy(Inode from, long fromPos, Inode to, long toPos) {
    try (FileChannel in = FileChannel.open(file(from), StandardOpenOption.READ);
        FileChannel out = FileChannel.open(file(to), StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
      ByteBuffer buf = ByteBuffer.allocate(8192);
      long copied = 0;
      long r = fromPos;
      long w = toPos;
      while (true) {
        buf.clear();
        int n = in.read(buf, r);
        if (n <= 0) {
          return copied;
        }
        buf.flip();
        while (buf.hasRemaining()) {
          w += out.write(buf, w);
        }
        r += n;
        copied += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Frees the bytes of an inode with no name and no open handle left. */
  void release(Inode inode) {
    try {
      Files.deleteIfExists(file(inode));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      fs.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
