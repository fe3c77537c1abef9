package io.windsock.connection;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names an {@link Event} handler's parameter for named binding: when the client sends exactly one
 * JSON object, its keys are matched against parameter names. Without this annotation the name
 * comes from the class file, which needs {@code javac -parameters}; without either, the parameter
 * binds by position only.
 *
 * <p>On the only parameter of a handler, when that parameter is an object type (a record, a POJO,
 * a {@code Map}), the annotation also changes the rule: without it, the parameter receives the whole
 * object; with it, the object must hold a key of that name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Arg {
    /** @return the key of the incoming JSON object that this parameter receives. */
    String value();
}
