// What every Java probe is written against: the line protocol of every
// host on fd 3 (fact, mark, and one verdict). It needs nothing beyond the
// JDK, so each Java host compiles it beside its own way of loading the
// library: GocompatJna.java (java-jna, java-jna-jsig) or GocompatFfm.java
// (java-ffm). A probe is a class NAME with a main(String[]) that gets the
// library path as args[0].
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

public final class GocompatProbe {
    private static FileOutputStream out;
    private static boolean verdictSent;

    private GocompatProbe() {}

    // One write per line, so the runner reads whole lines even if we die next.
    private static synchronized void emit(String line) {
        try {
            if (out == null) out = new FileOutputStream("/proc/self/fd/3", true);
            out.write((line.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            System.err.println("gocompat probe: fd 3: " + e);
        }
    }

    public static void fact(String key, String json) { emit("fact " + key + " " + json); }

    /** A CLOCK_MONOTONIC timestamp (System.nanoTime on Linux). */
    public static void mark(String name) { emit("mark " + name + " " + System.nanoTime()); }

    private static synchronized void verdict(String line) {
        if (verdictSent) return;
        verdictSent = true;
        emit(line);
    }

    public static void pass() { verdict("pass"); }
    public static void skip(String reason) { verdict("skip " + reason); }

    public static void fail(String detail) {
        StackTraceElement at = Thread.currentThread().getStackTrace()[2];
        verdict("fail " + at.getFileName() + ":" + at.getLineNumber() + ": " + detail);
    }

    /** Fails with the observed value unless got == want; returns whether it held. */
    public static boolean expectEq(String what, long got, long want) {
        if (got == want) return true;
        StackTraceElement at = Thread.currentThread().getStackTrace()[2];
        verdict("fail " + at.getFileName() + ":" + at.getLineNumber() + ": " + what + " == " + got + ", want " + want);
        return false;
    }

    /** Whether a mapping of the file at PATH is in this process's /proc/self/maps. */
    public static boolean mapped(String path) {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains(path);
        } catch (IOException e) {
            fail("cannot read /proc/self/maps: " + e);
            return false;
        }
    }

    /** Call at the end of main: a probe that never decided is a failure. */
    public static void finish() { verdict("fail probe ended without a verdict"); }
}
