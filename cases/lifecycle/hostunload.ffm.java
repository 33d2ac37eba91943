// FFM unloads a library when the arena its SymbolLookup was opened in is
// closed; a new arena loads it again.
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

class hostunload {
    static final int ROUNDS = 20;

    public static void main(String[] args) throws Throwable {
        GocompatProbe.fact("jvm", "\"" + Runtime.version() + "\"");
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
        int still = 0, wrong = 0;
        String error = null;
        for (int i = 0; i < ROUNDS && error == null; i++) {
            try (Arena arena = Arena.ofConfined()) {
                SymbolLookup lib = SymbolLookup.libraryLookup(Path.of(args[0]), arena);
                MethodHandle mix = Linker.nativeLinker().downcallHandle(lib.find("Mix").orElseThrow(), fd);
                if ((long) mix.invokeExact(0L) != 0xe220a8397b1dcdafL) wrong++;
            } catch (RuntimeException e) {
                error = e.toString();
            }
            if (GocompatProbe.mapped(args[0])) still++;
        }
        GocompatProbe.fact("unload_call", "\"Arena.close\"");
        GocompatProbe.fact("rounds", Integer.toString(ROUNDS));
        GocompatProbe.fact("still_mapped_after_unload", Integer.toString(still));
        GocompatProbe.fact("wrong_results", Integer.toString(wrong));
        if (error != null) GocompatProbe.fail("a round threw " + error);
        else if (GocompatProbe.expectEq("wrong Mix(0) results", wrong, 0)
                 && GocompatProbe.expectEq("rounds the library stayed mapped after the arena closed", still, ROUNDS))
            GocompatProbe.pass();
        GocompatProbe.finish();
    }
}
