// An export panics and nobody recovers: a catch (Throwable) around the JNA
// call must not see it; the process ends as the runtime decides.
import com.sun.jna.Library;
import com.sun.jna.Native;

public class hostunrecovered {
    public interface Lib extends Library { int FailNamed(String name); }

    public static void main(String[] args) {
        Lib lib = Native.load(args[0], Lib.class);
        GocompatProbe.mark("before_panic");
        try {
            int rc = lib.FailNamed("string");
            GocompatProbe.fail("FailNamed(\"string\") returned " + rc);
        } catch (Throwable t) {
            GocompatProbe.fail("a Go panic reached Java as " + t);
        }
        GocompatProbe.finish();
    }
}
