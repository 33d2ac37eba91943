// What a Java probe (hosts java-jna, java-jna-jsig) is written against: a
// probe is NAME.java beside its case, class NAME with a main(String[]) that
// gets the library path as args[0] and loads it with JNA
// (Native.load(path, Iface.class)); it reports on fd 3 with the line
// protocol of every host: fact, mark, and one verdict.
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

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

    /** Call at the end of main: a probe that never decided is a failure. */
    public static void finish() { verdict("fail probe ended without a verdict"); }

    /** cgo's GoString, by value. */
    public static class GoString extends Structure implements Structure.ByValue {
        public Pointer p;
        public long n;

        @Override
        protected List<String> getFieldOrder() { return Arrays.asList("p", "n"); }
    }

    /** cgo's GoSlice, by value. */
    public static class GoSlice extends Structure implements Structure.ByValue {
        public Pointer data;
        public long len, cap;

        @Override
        protected List<String> getFieldOrder() { return Arrays.asList("data", "len", "cap"); }
    }
}
