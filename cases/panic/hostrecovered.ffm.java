// RecoveredNamed(name) recovers each kind of panic (by the fixture's names)
// inside the export and returns 1 with the message, 100 times per kind,
// called through an FFM downcall handle; the JVM carries on.
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashMap;
import java.util.Map;

final class hostrecovered {
    /* The failures (by the fixture's names) that panic on the calling
     * goroutine, and the text recover gets from each. */
    static final Map<String, String> KINDS = new LinkedHashMap<>();
    static {
        KINDS.put("string", "gocompat: deliberate panic");
        KINDS.put("error", "gocompat: deliberate error");
        KINDS.put("custom", "{7}");
        KINDS.put("nil", "runtime error: invalid memory address or nil pointer dereference");
        KINDS.put("index", "runtime error: index out of range [5] with length 1");
        KINDS.put("divide", "runtime error: integer divide by zero");
    }

    public static void main(String[] args) throws Throwable {
        GocompatFfm lib = GocompatFfm.load(args[0]);
        MethodHandle recovered = lib.fn("RecoveredNamed",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(128);
            for (Map.Entry<String, String> kind : KINDS.entrySet()) {
                MemorySegment name = arena.allocateFrom(kind.getKey());
                for (int i = 0; i < 100; i++) {
                    int rc = (int) recovered.invokeExact(name, buf, 128);
                    String got = buf.getString(0);
                    if (rc != 1 || !got.equals(kind.getValue())) {
                        GocompatProbe.fail("RecoveredNamed(" + kind.getKey() + ") returned " + rc + " with \"" + got + "\", want 1 with \"" + kind.getValue() + "\"");
                        GocompatProbe.finish();
                        return;
                    }
                }
            }
            if (GocompatProbe.expectEq("RecoveredNamed(none)", (int) recovered.invokeExact(arena.allocateFrom("none"), buf, 128), 0)) {
                GocompatProbe.fact("recovered_calls", String.valueOf(100 * KINDS.size()));
                GocompatProbe.pass();
            }
        }
        GocompatProbe.finish();
    }
}
