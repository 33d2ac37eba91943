// RecoveredNamed(name) recovers each kind of panic (by the fixture's names)
// inside the export and returns 1 with the message, 100 times per kind; the
// JVM carries on.
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

public class hostrecovered {
    public interface Lib extends Library { int RecoveredNamed(String name, Pointer msg, int n); }

    static final String[][] KINDS = {
        { "string", "gocompat: deliberate panic" },
        { "error", "gocompat: deliberate error" },
        { "custom", "{7}" },
        { "nil", "runtime error: invalid memory address or nil pointer dereference" },
        { "index", "runtime error: index out of range [5] with length 1" },
        { "divide", "runtime error: integer divide by zero" },
    };

    public static void main(String[] args) {
        Lib lib = Native.load(args[0], Lib.class);
        Memory buf = new Memory(128);
        for (String[] kind : KINDS)
            for (int i = 0; i < 100; i++) {
                int rc = lib.RecoveredNamed(kind[0], buf, 128);
                String got = buf.getString(0, "UTF-8");
                if (rc != 1 || !got.equals(kind[1])) {
                    GocompatProbe.fail("RecoveredNamed(" + kind[0] + ") returned " + rc + " with \"" + got + "\", want 1 with \"" + kind[1] + "\"");
                    GocompatProbe.finish();
                    return;
                }
            }
        if (GocompatProbe.expectEq("RecoveredNamed(none)", lib.RecoveredNamed("none", buf, 128), 0)) {
            GocompatProbe.fact("recovered_calls", String.valueOf(100 * KINDS.length));
            GocompatProbe.pass();
        }
        GocompatProbe.finish();
    }
}
