// cgo's GoString and GoSlice for probes that load the library with JNA
// (hosts java-jna, java-jna-jsig: NAME.java beside the case, loaded with
// Native.load(path, Iface.class)). Kept apart from GocompatProbe.java so
// that the protocol compiles without JNA's jar.
import com.sun.jna.Pointer;
import com.sun.jna.Structure;

import java.util.Arrays;
import java.util.List;

public final class GocompatJna {
    private GocompatJna() {}

    /** cgo's GoString, by value. */
    public static class GoString extends Structure implements Structure.ByValue {
        public Pointer p;
        public long n;

        @Override
        protected List<String> getFieldOrder() { return Arrays.asList("p", "n"); }
    }

    /** cgo's GoSlice, by value. */
    public static class GoSlice extends Structure implements Structure.ByValue {
        public Pointer data;
        public long len, cap;

        @Override
        protected List<String> getFieldOrder() { return Arrays.asList("data", "len", "cap"); }
    }
}
