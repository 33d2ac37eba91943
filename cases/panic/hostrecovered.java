// RecoveredNamed(name) recovers each kind of panic (by the fixture's names)
// inside the export and returns 1 with the message, 100 times per kind; the
// JVM carries on.
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.LinkedHashMap;
import java.util.Map;

public class hostrecovered {
    public interface Lib extends Library { int RecoveredNamed(String name, Pointer msg, int n); }

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

    public static void main(String[] args) {
        Lib lib = Native.load(args[0], Lib.class);
        Memory buf = new Memory(128);
        for (Map.Entry<String, String> kind : KINDS.entrySet())
            for (int i = 0; i < 100; i++) {
                int rc = lib.RecoveredNamed(kind.getKey(), buf, 128);
                String got = buf.getString(0, "UTF-8");
                if (rc != 1 || !got.equals(kind.getValue())) {
                    GocompatProbe.fail("RecoveredNamed(" + kind.getKey() + ") returned " + rc + " with \"" + got + "\", want 1 with \"" + kind.getValue() + "\"");
                    GocompatProbe.finish();
                    return;
                }
            }
        if (GocompatProbe.expectEq("RecoveredNamed(none)", lib.RecoveredNamed("none", buf, 128), 0)) {
            GocompatProbe.fact("recovered_calls", String.valueOf(100 * KINDS.size()));
            GocompatProbe.pass();
        }
        GocompatProbe.finish();
    }
}
