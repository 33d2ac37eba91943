// A Java method called back from Go through CallThrough as an FFM upcall
// stub (a C function pointer the Linker makes for a method handle), 1000
// times, from the main thread.
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

final class hostcallback {
    static int calls;

    static void invoke(MemorySegment arg) { calls++; }

    public static void main(String[] args) throws Throwable {
        GocompatFfm lib = GocompatFfm.load(args[0]);
        MethodHandle callThrough = lib.fn("CallThrough",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        MethodHandle target = MethodHandles.lookup().findStatic(hostcallback.class, "invoke",
            MethodType.methodType(void.class, MemorySegment.class));
        MemorySegment cb = GocompatFfm.upcall(target, FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        for (int i = 0; i < 1000; i++) {
            int rc = (int) callThrough.invokeExact(cb, MemorySegment.NULL, 0);
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
