// Eight Java threads call Mix 500 times each through one FFM downcall
// handle (checked against the same function in Java), then all eight meet
// inside Go at Barrier(8).
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicInteger;

final class hostthreads {
    static long mixRef(long z) {
        z += 0x9e3779b97f4a7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static void main(String[] args) throws Throwable {
        GocompatFfm lib = GocompatFfm.load(args[0]);
        MethodHandle mix = lib.fn("Mix", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        MethodHandle barrier = lib.fn("Barrier", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        final int k = 8, calls = 500;
        AtomicInteger wrong = new AtomicInteger(), arrived = new AtomicInteger(), thrown = new AtomicInteger();
        Thread[] ts = new Thread[k];
        GocompatProbe.mark("threads_start");
        for (int i = 0; i < k; i++) {
            final long id = i + 1;
            ts[i] = new Thread(() -> {
                try {
                    for (long j = 0; j < calls; j++) {
                        long x = (id << 32) | j;
                        if ((long) mix.invokeExact(x) != mixRef(x)) wrong.incrementAndGet();
                    }
                    if ((int) barrier.invokeExact(k) > 0) arrived.incrementAndGet();
                } catch (Throwable t) {
                    thrown.incrementAndGet();
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        GocompatProbe.fact("host_threads", Integer.toString(k));
        if (GocompatProbe.expectEq("threads that threw", thrown.get(), 0) && GocompatProbe.expectEq("wrong results", wrong.get(), 0)
            && GocompatProbe.expectEq("threads through Barrier", arrived.get(), k))
            GocompatProbe.pass();
        GocompatProbe.finish();
    }
}
