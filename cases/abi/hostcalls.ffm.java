// GoString and GoSlice by value from Java through the FFM API: struct
// layouts passed to downcall handles (GoString in two registers, GoSlice,
// 24 bytes, in memory on amd64).
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

final class hostcalls {
    public static void main(String[] args) throws Throwable {
        GocompatFfm lib = GocompatFfm.load(args[0]);
        MethodHandle strLen = lib.fn("StrLen", FunctionDescriptor.of(ValueLayout.JAVA_LONG, GocompatFfm.GO_STRING));
        MethodHandle sliceLen = lib.fn("SliceLen", FunctionDescriptor.of(ValueLayout.JAVA_LONG, GocompatFfm.GO_SLICE));
        String text = "h\u00e9llo, \u4e16\u754c";
        int n = text.getBytes(StandardCharsets.UTF_8).length;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = GocompatFfm.goString(arena, text);
            MemorySegment v = GocompatFfm.goSlice(arena, arena.allocate(ValueLayout.JAVA_LONG, 5), 5, 5);
            MemorySegment empty = GocompatFfm.goString(arena, MemorySegment.NULL, 0);
            if (GocompatProbe.expectEq("StrLen(s)", (long) strLen.invokeExact(s), n)
                && GocompatProbe.expectEq("SliceLen(v)", (long) sliceLen.invokeExact(v), 5)
                && GocompatProbe.expectEq("StrLen(nil)", (long) strLen.invokeExact(empty), 0)) {
                GocompatProbe.fact("strlen", Integer.toString(n));
                GocompatProbe.pass();
            }
        }
        GocompatProbe.finish();
    }
}
