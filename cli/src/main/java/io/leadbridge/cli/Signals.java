package io.leadbridge.cli;

import java.lang.reflect.Proxy;

/**
 * Installs handlers for SIGINT and SIGTERM through {@code sun.misc.Signal}, which the JDK exports
 * for this use (module {@code jdk.unsupported}). Reached by reflection so that the build stays free
 * of warnings about internal API, and so that a runtime without it falls back to a shutdown hook. A
 * handler replaces the JVM's own, which would start shutting down at once: the run decides when to
 * exit.
 */
final class Signals {
  private Signals() {}

  /**
   * Handles a signal.
   *
   * @param name {@code INT} or {@code TERM}
   * @param handler what to do, on the JVM's signal thread
   * @return false if the signal cannot be handled here (no such API, or the signal is ignored, as
   *     SIGINT is for a job started in the background by a shell)
   */
  static boolean handle(String name, Runnable handler) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance(name);
      Object proxy =
          Proxy.newProxyInstance(
              Signals.class.getClassLoader(),
              new Class<?>[] {handlerClass},
              (self, method, args) -> {
                switch (method.getName()) {
                  case "handle":
                    handler.run();
                    return null;
                  case "hashCode":
                    return System.identityHashCode(self);
                  case "equals":
                    return self == args[0];
                  default:
                    return "leadbridge " + name + " handler";
                }
              });
      Object previous =
          signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
      Object ignore = handlerClass.getField("SIG_IGN").get(null);
      if (previous == ignore) {
        // the signal was ignored when the JVM started (nohup, a background job): keep it so
        signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, previous);
        return false;
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
