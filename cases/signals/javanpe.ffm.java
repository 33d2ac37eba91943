// The JVM turns SIGSEGV into NullPointerException: JIT-compiled code has no
// explicit null checks, a fault on a null access is caught by the JVM's
// handler. After the Go runtime has installed its own SIGSEGV handler (and
// after this thread has called Go through an FFM downcall), do 200 000 null
// dereferences in a hot loop still become exceptions the program catches?
// No libjsig: FFM needs nothing preloaded.
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

final class javanpe {
    static int[] maybeNull(int i) { return (i & 1) == 0 ? null : new int[1]; }

    static int run(int n) {
        int caught = 0;
        for (int i = 0; i < n; i++) {
            try {
                caught -= maybeNull(i).length - 1;
            } catch (NullPointerException e) {
                caught++;
            }
        }
        return caught;
    }

    public static void main(String[] args) throws Throwable {
        GocompatFfm lib = GocompatFfm.load(args[0]);
        MethodHandle mix = lib.fn("Mix", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        long ignored = (long) mix.invokeExact(1L);
        final int n = 200_000;
        int main = run(n);
        int[] other = new int[1];
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                long again = (long) mix.invokeExact(2L);
                other[0] = run(n);
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        t.start();
        t.join();
        GocompatProbe.fact("npe_caught", "[" + main + "," + other[0] + "]");
        if (thrown[0] != null) GocompatProbe.fail("the other thread threw " + thrown[0]);
        else if (GocompatProbe.expectEq("NPEs caught (main)", main, n / 2) && GocompatProbe.expectEq("NPEs caught (thread)", other[0], n / 2))
            GocompatProbe.pass();
        GocompatProbe.finish();
    }
}
