// A Java exception thrown in a JNA callback that Go called (CallThrough, no
// recover). JNA does not let it cross into native code: it hands it to the
// callback exception handler and the callback returns; Go carries on.
import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;

public class javathrowcb {
    public interface Cb extends Callback { void invoke(Pointer arg); }

    public interface Lib extends Library { int CallThrough(Cb cb, Pointer arg, int recoverIt); }

    public static void main(String[] args) {
        Lib lib = Native.load(args[0], Lib.class);
        List<String> seen = new ArrayList<>();
        Native.setCallbackExceptionHandler((cb, e) -> seen.add(e.toString()));
        Cb thrower = arg -> { throw new IllegalStateException("from a Java callback"); };
        int rc;
        try {
            rc = lib.CallThrough(thrower, null, 0);
        } catch (Throwable t) {
            GocompatProbe.fail("the exception crossed Go to the caller: " + t);
            GocompatProbe.finish();
            return;
        }
        GocompatProbe.fact("handler_saw", "\"" + String.join(";", seen) + "\"");
        if (GocompatProbe.expectEq("CallThrough", rc, 0) && GocompatProbe.expectEq("exceptions handed to the handler", seen.size(), 1))
            GocompatProbe.pass();
        GocompatProbe.finish();
    }
}
