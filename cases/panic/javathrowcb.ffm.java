// A Java exception thrown in an FFM upcall that Go called (CallThrough, no
// recover). The Linker has no way to carry it across native frames: an
// uncaught exception in an upcall ends the JVM. With Go's frames between
// the upcall and the downcall: does the JVM end from inside the call (its
// shutdown hooks run while the downcall has not returned), and does the
// catch around the downcall ever run? The process's end (exit status,
// what is printed) is the case's outcome.
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

final class javathrowcb {
    static volatile boolean inCall, thrown;

    static void thrower(MemorySegment arg) {
        thrown = true;
        throw new IllegalStateException("from a Java upcall");
    }

    /* Runs on the JVM's exit: the verdict, since main never gets one. */
    static void atExit() {
        GocompatProbe.fact("exited_in_call", Boolean.toString(inCall));
        if (inCall && thrown) GocompatProbe.pass();
        else GocompatProbe.fail("the JVM exited with the downcall " + (inCall ? "in flight" : "returned") + ", upcall threw: " + thrown);
    }

    public static void main(String[] args) throws Throwable {
        GocompatFfm lib = GocompatFfm.load(args[0]);
        MethodHandle callThrough = lib.fn("CallThrough",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle target = MethodHandles.lookup().findStatic(javathrowcb.class, "thrower",
            MethodType.methodType(void.class, MemorySegment.class));
        MemorySegment cb = GocompatFfm.upcall(target, FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        Runtime.getRuntime().addShutdownHook(new Thread(javathrowcb::atExit));
        GocompatProbe.mark("before_call");
        inCall = true;
        try {
            int rc = (int) callThrough.invokeExact(cb, MemorySegment.NULL, 0);
            inCall = false;
            GocompatProbe.fail("CallThrough returned " + rc + " after the upcall threw");
        } catch (Throwable t) {
            inCall = false;
            GocompatProbe.fail("the exception crossed Go to the caller: " + t);
        }
        GocompatProbe.finish();
    }
}
