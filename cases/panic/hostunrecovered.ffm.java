// An export panics and nobody recovers: a catch (Throwable) around the FFM
// downcall must not see it; the process ends as the runtime decides.
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

final class hostunrecovered {
    public static void main(String[] args) throws Throwable {
        GocompatFfm lib = GocompatFfm.load(args[0]);
        MethodHandle failNamed = lib.fn("FailNamed", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            GocompatProbe.mark("before_panic");
            int rc = (int) failNamed.invokeExact(arena.allocateFrom("string"));
            GocompatProbe.fail("FailNamed(\"string\") returned " + rc);
        } catch (Throwable t) {
            GocompatProbe.fail("a Go panic reached Java as " + t);
        }
        GocompatProbe.finish();
    }
}
