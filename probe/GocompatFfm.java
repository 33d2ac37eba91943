// How a java-ffm probe reaches the library: the Foreign Function & Memory
// API (java.lang.foreign, final since JDK 22), nothing outside the JDK.
// A probe is NAME.ffm.java beside its case holding class NAME, not public:
// a public class would have to live in NAME.java, the JNA probe's file.
// It reports through GocompatProbe like every Java probe.
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

public final class GocompatFfm {
    private static final Linker LINKER = Linker.nativeLinker();

    /** cgo's GoString: { const char *p; ptrdiff_t n; }, by value. */
    public static final StructLayout GO_STRING =
        MemoryLayout.structLayout(ValueLayout.ADDRESS.withName("p"), ValueLayout.JAVA_LONG.withName("n"));

    /** cgo's GoSlice: { void *data; GoInt len; GoInt cap; }, by value. */
    public static final StructLayout GO_SLICE = MemoryLayout.structLayout(
        ValueLayout.ADDRESS.withName("data"), ValueLayout.JAVA_LONG.withName("len"), ValueLayout.JAVA_LONG.withName("cap"));

    private final SymbolLookup lookup;

    private GocompatFfm(SymbolLookup lookup) { this.lookup = lookup; }

    /**
     * Loads the library at PATH for the life of the JVM (a Go library is
     * never unloaded anyway), and records the JVM that runs the probe.
     */
    public static GocompatFfm load(String path) {
        GocompatProbe.fact("jvm", "\"" + Runtime.version() + "\"");
        return new GocompatFfm(SymbolLookup.libraryLookup(Path.of(path), Arena.global()));
    }

    /** A downcall handle for the export NAME with the C signature FD. */
    public MethodHandle fn(String name, FunctionDescriptor fd) {
        MemorySegment at = lookup.find(name).orElseThrow(() -> new IllegalStateException("no export " + name));
        return LINKER.downcallHandle(at, fd);
    }

    /** A C function pointer that calls TARGET, valid for the life of the JVM. */
    public static MemorySegment upcall(MethodHandle target, FunctionDescriptor fd) {
        return LINKER.upcallStub(target, fd, Arena.global());
    }

    /** A GoString in ARENA holding S's UTF-8 bytes (not NUL-terminated). */
    public static MemorySegment goString(Arena arena, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        MemorySegment data = arena.allocate(Math.max(b.length, 1));
        MemorySegment.copy(b, 0, data, ValueLayout.JAVA_BYTE, 0, b.length);
        return goString(arena, data, b.length);
    }

    /** A GoString in ARENA for N bytes at P (NULL and 0: Go's ""). */
    public static MemorySegment goString(Arena arena, MemorySegment p, long n) {
        MemorySegment s = arena.allocate(GO_STRING);
        s.set(ValueLayout.ADDRESS, offset(GO_STRING, "p"), p);
        s.set(ValueLayout.JAVA_LONG, offset(GO_STRING, "n"), n);
        return s;
    }

    /** A GoSlice in ARENA over DATA with LEN and CAP. */
    public static MemorySegment goSlice(Arena arena, MemorySegment data, long len, long cap) {
        MemorySegment s = arena.allocate(GO_SLICE);
        s.set(ValueLayout.ADDRESS, offset(GO_SLICE, "data"), data);
        s.set(ValueLayout.JAVA_LONG, offset(GO_SLICE, "len"), len);
        s.set(ValueLayout.JAVA_LONG, offset(GO_SLICE, "cap"), cap);
        return s;
    }

    private static long offset(StructLayout layout, String field) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }
}
