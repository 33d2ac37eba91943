// The JVM turns SIGSEGV into NullPointerException: JIT-compiled code has no
// explicit null checks, a fault on a null access is caught by the JVM's
// handler. After the Go runtime has installed its own SIGSEGV handler (and
// after this thread has called Go), do 200 000 null dereferences in a hot
// loop still become exceptions the program catches?
import com.sun.jna.Library;
import com.sun.jna.Native;

public class javanpe {
    public interface Lib extends Library { long Mix(long x); }

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

    public static void main(String[] args) throws InterruptedException {
        Lib lib = Native.load(args[0], Lib.class);
        lib.Mix(1);
        final int n = 200_000;
        int main = run(n);
        int[] other = new int[1];
        Thread t = new Thread(() -> { lib.Mix(2); other[0] = run(n); });
        t.start();
        t.join();
        GocompatProbe.fact("npe_caught", "[" + main + "," + other[0] + "]");
        if (GocompatProbe.expectEq("NPEs caught (main)", main, n / 2) && GocompatProbe.expectEq("NPEs caught (thread)", other[0], n / 2))
            GocompatProbe.pass();
        GocompatProbe.finish();
    }
}
