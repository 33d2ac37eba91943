// JNA unloads with NativeLibrary.dispose(); getInstance loads it again.
import com.sun.jna.NativeLibrary;

public class hostunload {
    static final int ROUNDS = 20;

    public static void main(String[] args) {
        int still = 0, wrong = 0;
        String error = null;
        for (int i = 0; i < ROUNDS && error == null; i++) {
            NativeLibrary lib = NativeLibrary.getInstance(args[0]);
            if (lib.getFunction("Mix").invokeLong(new Object[] { 0L }) != 0xe220a8397b1dcdafL) wrong++;
            try {
                lib.dispose();
            } catch (RuntimeException e) {
                error = e.toString();
            }
            if (GocompatProbe.mapped(args[0])) still++;
        }
        GocompatProbe.fact("unload_call", "\"NativeLibrary.dispose\"");
        GocompatProbe.fact("rounds", Integer.toString(ROUNDS));
        GocompatProbe.fact("still_mapped_after_unload", Integer.toString(still));
        GocompatProbe.fact("wrong_results", Integer.toString(wrong));
        if (error != null) GocompatProbe.fail("NativeLibrary.dispose threw " + error);
        else if (GocompatProbe.expectEq("wrong Mix(0) results", wrong, 0)
                 && GocompatProbe.expectEq("rounds the library stayed mapped after dispose", still, ROUNDS))
            GocompatProbe.pass();
        GocompatProbe.finish();
    }
}
