// GoString and GoSlice by value from Java through JNA (Structure.ByValue).
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;

public class hostcalls {
    public interface Lib extends Library {
        long StrLen(GocompatJna.GoString s);
        long SliceLen(GocompatJna.GoSlice s);
    }

    public static void main(String[] args) {
        Lib lib = Native.load(args[0], Lib.class);
        byte[] b = "h\u00e9llo, \u4e16\u754c".getBytes(StandardCharsets.UTF_8);
        Memory m = new Memory(b.length);
        m.write(0, b, 0, b.length);
        GocompatJna.GoString s = new GocompatJna.GoString();
        s.p = m;
        s.n = b.length;
        Memory v = new Memory(5 * 8);
        GocompatJna.GoSlice sl = new GocompatJna.GoSlice();
        sl.data = v;
        sl.len = 5;
        sl.cap = 5;
        GocompatJna.GoString empty = new GocompatJna.GoString();
        if (GocompatProbe.expectEq("StrLen(s)", lib.StrLen(s), b.length) && GocompatProbe.expectEq("SliceLen(v)", lib.SliceLen(sl), 5)
            && GocompatProbe.expectEq("StrLen(nil)", lib.StrLen(empty), 0)) {
            GocompatProbe.fact("strlen", Integer.toString(b.length));
            GocompatProbe.pass();
        }
        GocompatProbe.finish();
    }
}
