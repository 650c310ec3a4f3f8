package org.fcproc.linux;

import java.time.Duration;
import org.fcproc.host.contract.ContractHost;
import org.fcproc.host.contract.WatchContract;

/**
 * The directory-watch contract on the real kernel (inotify), as root, inside the throwaway
 * namespaces of the Surefire wrapper; skipped (with the reason printed) anywhere else. Changes
 * made {@link #later} come from another thread.
 */
class LinuxWatchContractTest extends WatchContract {
  @Override
  protected ContractHost createContractHost() throws Exception {
    return new LinuxContractHost();
  }

  @Override
  protected void later(Duration delay, Change change) {
    Thread t = new Thread(() -> {
      try {
        Thread.sleep(delay.toMillis());
        change.run();
      } catch (Exception e) {
        throw new IllegalStateException("change from another thread failed", e);
      }
    }, "watch-contract-later");
    t.setDaemon(true);
    t.start();
  }
}
