// A Java method called back from Go through CallThrough as a JNA Callback,
// 1000 times, from the main thread.
import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

public class hostcallback {
    public interface Cb extends Callback { void invoke(Pointer arg); }

    public interface Lib extends Library { int CallThrough(Cb cb, Pointer arg, int recoverIt); }

    static int calls;

    public static void main(String[] args) {
        Lib lib = Native.load(args[0], Lib.class);
        Cb cb = arg -> calls++;
        for (int i = 0; i < 1000; i++) {
            int rc = lib.CallThrough(cb, null, 0);
            if (rc != 0) {
                GocompatProbe.fail("CallThrough returned " + rc + " at call " + i);
                GocompatProbe.finish();
                return;
            }
        }
        if (GocompatProbe.expectEq("callbacks", calls, 1000)) {
            GocompatProbe.fact("callbacks", Integer.toString(calls));
            GocompatProbe.pass();
        }
        GocompatProbe.finish();
    }
}
