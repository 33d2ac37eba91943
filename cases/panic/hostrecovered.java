// Recovered(kind) recovers each kind of panic inside the export and returns
// 1 with the message, 100 times per kind; the JVM carries on.
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

public class hostrecovered {
    public interface Lib extends Library { int Recovered(int kind, Pointer msg, int n); }

    static final String[] WANT = {
        "gocompat: deliberate panic", "gocompat: deliberate error", "{7}",
        "runtime error: invalid memory address or nil pointer dereference",
        "runtime error: index out of range [5] with length 1", "runtime error: integer divide by zero",
    };

    public static void main(String[] args) {
        Lib lib = Native.load(args[0], Lib.class);
        Memory buf = new Memory(128);
        for (int kind = 0; kind < WANT.length; kind++)
            for (int i = 0; i < 100; i++) {
                int rc = lib.Recovered(kind, buf, 128);
                String got = buf.getString(0, "UTF-8");
                if (rc != 1 || !got.equals(WANT[kind])) {
                    GocompatProbe.fail("Recovered(" + kind + ") returned " + rc + " with \"" + got + "\", want 1 with \"" + WANT[kind] + "\"");
                    GocompatProbe.finish();
                    return;
                }
            }
        if (GocompatProbe.expectEq("Recovered(-1)", lib.Recovered(-1, buf, 128), 0)) {
            GocompatProbe.fact("recovered_calls", "600");
            GocompatProbe.pass();
        }
        GocompatProbe.finish();
    }
}
