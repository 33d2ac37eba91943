// Eight Java threads call Mix 500 times each (checked against the same
// function in Java), then all eight meet inside Go at Barrier(8).
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.concurrent.atomic.AtomicInteger;

public class hostthreads {
    public interface Lib extends Library {
        long Mix(long x);
        int Barrier(int n);
    }

    static long mixRef(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static void main(String[] args) throws InterruptedException {
        Lib lib = Native.load(args[0], Lib.class);
        final int k = 8, calls = 500;
        AtomicInteger wrong = new AtomicInteger(), arrived = new AtomicInteger();
        Thread[] ts = new Thread[k];
        GocompatProbe.mark("threads_start");
        for (int i = 0; i < k; i++) {
            final long id = i + 1;
            ts[i] = new Thread(() -> {
                for (long j = 0; j < calls; j++) {
                    long x = (id << 32) | j;
                    if (lib.Mix(x) != mixRef(x)) wrong.incrementAndGet();
                }
                if (lib.Barrier(k) > 0) arrived.incrementAndGet();
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        GocompatProbe.fact("host_threads", Integer.toString(k));
        if (GocompatProbe.expectEq("wrong results", wrong.get(), 0) && GocompatProbe.expectEq("threads through Barrier", arrived.get(), k))
            GocompatProbe.pass();
        GocompatProbe.finish();
    }
}
