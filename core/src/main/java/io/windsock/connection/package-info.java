/**
 * TornadIO2's event model: one {@link io.windsock.connection.SocketConnection} object per client per
 * namespace, whose {@link io.windsock.connection.Event} methods client events call.
 *
 * <ul>
 * <li>{@link io.windsock.connection.SocketConnection}: the base class; hooks, emitting, the binding rules.</li>
 * <li>{@link io.windsock.connection.Event}, {@link io.windsock.connection.Arg}: handler and parameter names.</li>
 * <li>{@link io.windsock.connection.Args}: TornadIO2's keyword emit, and acks with several values.</li>
 * <li>{@link io.windsock.Connections}, {@link io.windsock.connection.ConnectionOptions}: serving a
 *     namespace with a class (before build: {@code Windsock.Builder.connections}).</li>
 * </ul>
 *
 * <p>The rules, with examples, are in the project's {@code docs/event-model.md}.
 */
package io.windsock.connection;
