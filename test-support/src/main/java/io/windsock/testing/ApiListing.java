package io.windsock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The public API of a module as text, one line per type and per public or protected member, sorted,
 * so that a change to the API shows as a diff of a checked-in file. Built by reflection over the
 * compiled classes of the given packages (nested types included, when reachable).
 *
 * <p>{@link #check} compares with the checked-in listing and fails with the difference; run the
 * build with {@value #UPDATE_PROPERTY}{@code =true} to write the new listing instead.
 */
public final class ApiListing {
    public static final String UPDATE_PROPERTY = "windsock.api.update";

    private ApiListing() {
    }

    /**
     * @param classes   the module's compiled classes (e.g. {@code target/classes})
     * @param packages  the packages that form the API (a module's exports)
     * @param loader    loads the module's classes
     * @return the listing, sorted, one line per type or member
     */
    public static List<String> of(Path classes, Collection<String> packages, ClassLoader loader) {
        TreeSet<String> lines = new TreeSet<>();
        for (String pkg : packages) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (!name.endsWith(".class") || name.equals("package-info.class") || name.equals("module-info.class")) {
                        continue;
                    }
                    Class<?> type = Class.forName(pkg + "." + name.substring(0, name.length() - 6), false, loader);
                    if (isVisible(type)) {
                        describe(type, lines);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return new ArrayList<>(lines);
    }

    /**
     * Fails (with the lines added and removed, and how to accept them) when the listing differs from
     * the file; with {@value #UPDATE_PROPERTY}{@code =true}, writes the file instead.
     */
    public static void check(List<String> listing, Path file) {
        String text = String.join("\n", listing) + "\n";
        try {
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, text, StandardCharsets.UTF_8);
                return;
            }
            List<String> expected = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            if (expected.equals(listing)) {
                return;
            }
            StringBuilder diff = new StringBuilder("the public API differs from " + file + ":\n");
            TreeSet<String> was = new TreeSet<>(expected);
            TreeSet<String> now = new TreeSet<>(listing);
            for (String line : was) {
                if (!now.contains(line)) {
                    diff.append("- ").append(line).append('\n');
                }
            }
            for (String line : now) {
                if (!was.contains(line)) {
                    diff.append("+ ").append(line).append('\n');
                }
            }
            diff.append("If the change is meant, regenerate the listing and commit it: mvn -pl <module> -am verify -D")
                    .append(UPDATE_PROPERTY).append("=true");
            throw new AssertionError(diff.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Public, or protected inside a visible type that can be subclassed, all the way out. */
    private static boolean isVisible(Class<?> type) {
        if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
            return false;
        }
        Class<?> outer = type.getDeclaringClass();
        if (outer == null) {
            return Modifier.isPublic(type.getModifiers());
        }
        return isVisible(outer) && isMemberVisible(outer, type.getModifiers());
    }

    private static boolean isMemberVisible(Class<?> owner, int modifiers) {
        return Modifier.isPublic(modifiers)
                || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()));
    }

    private static void describe(Class<?> type, TreeSet<String> lines) {
        String owner = type.getName();
        StringBuilder head = new StringBuilder(owner).append(" = ").append(Modifier.toString(type.getModifiers()
                & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL | (type.isInterface() ? 0 : Modifier.ABSTRACT))));
        head.append(type.isAnnotation() ? " @interface" : type.isInterface() ? " interface" : type.isEnum() ? " enum"
                : type.isRecord() ? " record" : " class");
        if (type.isSealed()) {
            head.append(" sealed");
        }
        if (type.getGenericSuperclass() != null && !type.isEnum() && !type.isRecord()
                && type.getSuperclass() != Object.class) {
            head.append(" extends ").append(type.getGenericSuperclass().getTypeName());
        }
        for (var i : type.getGenericInterfaces()) {
            head.append(type.isInterface() ? " extends " : " implements ").append(i.getTypeName());
        }
        lines.add(head.toString());
        List<Member> members = new ArrayList<>();
        members.addAll(List.of(type.getDeclaredConstructors()));
        members.addAll(List.of(type.getDeclaredMethods()));
        members.addAll(List.of(type.getDeclaredFields()));
        for (Member m : members) {
            if (m.isSynthetic() || (m instanceof Method method && method.isBridge())
                    || !isMemberVisible(type, m.getModifiers())) {
                continue;
            }
            if (type.isEnum() && m instanceof Field f && f.isEnumConstant()) {
                lines.add(owner + ":   constant " + f.getName());
                continue;
            }
            lines.add(owner + ":   " + signature(m));
        }
    }

    private static String signature(Member m) {
        if (m instanceof Field f) {
            return "field " + Modifier.toString(f.getModifiers()) + " " + f.getGenericType().getTypeName() + " " + f.getName();
        }
        Executable e = (Executable) m;
        String text = e.toGenericString();
        // Drop the owner's name before the member's: the line starts with the owner already.
        String owner = e.getDeclaringClass().getTypeName() + ".";
        text = text.replace(" " + owner + e.getName() + "(", " " + e.getName() + "(");
        if (e instanceof Constructor<?>) {
            text = text.replace(" " + e.getDeclaringClass().getTypeName() + "(", " <init>(");
            if (text.startsWith(e.getDeclaringClass().getTypeName() + "(")) {
                text = "<init>" + text.substring(e.getDeclaringClass().getTypeName().length());
            }
        }
        // How a method is implemented is not its API.
        text = text.replace("synchronized ", "").replace("native ", "").replace("strictfp ", "");
        return (e instanceof Constructor<?> ? "constructor " : "method ") + text;
    }
}
