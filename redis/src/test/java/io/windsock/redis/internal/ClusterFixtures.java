package io.windsock.redis.internal;

/**
 * Messages exactly as {@code createShardedAdapter} of {@code @socket.io/redis-adapter} 8.3 (on
 * socket.io-adapter 2.5.8) published them, subscription mode "dynamic", from node uid
 * {@code aaaaaaaaaaaaaaaa}; the calls that made them are named after each. JSON messages are the
 * published text itself; msgpack ones (binary data) are hex. Requests came from {@code io.emit},
 * {@code io.to(...)}, {@code socketsJoin} etc.; responses from the adapter answering node
 * {@code bbbbbbbbbbbbbbbb}; the heartbeats and ADAPTER_CLOSE from the adapter's own {@code publish}.
 */
final class ClusterFixtures {
    private ClusterFixtures() {
    }

    /** io.emit("hello", "world", 1, 1.5, true, null, {a: [1, 2]}); on socket.io#/# */
    static final String BROADCAST = "{\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"hello\",\"world\",1,1.5,true,null,{\"a\":[1,2]}]},\"opts\":{\"rooms\":[],\"except\":[],\"flags\":{}}},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.to("room1").emit("news", "x"); on socket.io#/#room1# */
    static final String BROADCAST_ROOM = "{\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"news\",\"x\"]},\"opts\":{\"rooms\":[\"room1\"],\"except\":[],\"flags\":{}}},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.to("abcdefghijklmnopqrst").emit("dm", "x"); on socket.io#/# */
    static final String BROADCAST_SOCKET_ROOM = "{\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"dm\",\"x\"]},\"opts\":{\"rooms\":[\"abcdefghijklmnopqrst\"],\"except\":[],\"flags\":{}}},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.to("r1").except("x").volatile.compress(false).emit("ev", 1); on socket.io#/#r1# */
    static final String BROADCAST_FLAGS = "{\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"ev\",1]},\"opts\":{\"rooms\":[\"r1\"],\"except\":[\"x\"],\"flags\":{\"volatile\":true,\"compress\":false}}},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.to("r1").emit("ev", Buffer.from([1, 2, 3])); msgpack, on socket.io#/#r1# */
    static final String BROADCAST_BINARY = "84a47479706503a46461746182a67061636b657482a47479706502a46461746192a26576c403010203a46f70747383a5"
            + "726f6f6d7391a27231a665786365707490a5666c61677380a3756964b061616161616161616161616161616161a36e73"
            + "70a12f";
    /** io.timeout(1000).emit("ask", 42, callback); on socket.io#/# */
    static final String BROADCAST_WITH_ACK = "{\"type\":3,\"data\":{\"packet\":{\"type\":2,\"data\":[\"ask\",42]},\"requestId\":\"a1a1a1a1a1a1a1a1\",\"opts\":{\"rooms\":[],\"except\":[],\"flags\":{\"timeout\":1000}}},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.in("r1").socketsJoin(["r2", "r3"]); on socket.io#/# */
    static final String SOCKETS_JOIN = "{\"type\":4,\"data\":{\"opts\":{\"rooms\":[\"r1\"],\"except\":[],\"flags\":{}},\"rooms\":[\"r2\",\"r3\"]},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.except("r1").socketsLeave("r2"); on socket.io#/# */
    static final String SOCKETS_LEAVE = "{\"type\":5,\"data\":{\"opts\":{\"rooms\":[],\"except\":[\"r1\"],\"flags\":{}},\"rooms\":[\"r2\"]},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.in("r1").disconnectSockets(true); on socket.io#/# */
    static final String DISCONNECT_SOCKETS = "{\"type\":6,\"data\":{\"opts\":{\"rooms\":[\"r1\"],\"except\":[],\"flags\":{}},\"close\":true},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.in("r1").fetchSockets() (two servers); on socket.io#/# */
    static final String FETCH_SOCKETS = "{\"type\":7,\"data\":{\"opts\":{\"rooms\":[\"r1\"],\"except\":[],\"flags\":{}},\"requestId\":\"a2a2a2a2a2a2a2a2\"},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.serverSideEmit("hi", "there", 2); on socket.io#/# */
    static final String SERVER_SIDE_EMIT = "{\"type\":9,\"data\":{\"packet\":[\"hi\",\"there\",2]},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** io.serverSideEmit("hi", 1, callback) (two servers); on socket.io#/# */
    static final String SERVER_SIDE_EMIT_ACK = "{\"type\":9,\"data\":{\"requestId\":\"a3a3a3a3a3a3a3a3\",\"packet\":[\"hi\",1]},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** publish({type: 1}); on socket.io#/# */
    static final String INITIAL_HEARTBEAT = "{\"type\":1,\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** publish({type: 2}); on socket.io#/# */
    static final String HEARTBEAT = "{\"type\":2,\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** publish({type: 13}); on socket.io#/# */
    static final String ADAPTER_CLOSE = "{\"type\":13,\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** FETCH_SOCKETS request "r7", no local socket; on socket.io#/#bbbbbbbbbbbbbbbb# */
    static final String FETCH_SOCKETS_RESPONSE = "{\"type\":8,\"data\":{\"requestId\":\"r7\",\"sockets\":[]},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** SERVER_SIDE_EMIT request "r9", the handler acks "pong"; on socket.io#/#bbbbbbbbbbbbbbbb# */
    static final String SERVER_SIDE_EMIT_RESPONSE = "{\"type\":10,\"data\":{\"requestId\":\"r9\",\"packet\":\"pong\"},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** SERVER_SIDE_EMIT request "r9b", the handler acks Buffer.from([9, 8]); msgpack, on socket.io#/#bbbbbbbbbbbbbbbb# */
    static final String SERVER_SIDE_EMIT_RESPONSE_BINARY = "84a4747970650aa46461746182a9726571756573744964a3723962a67061636b6574c4020908a3756964b06161616161"
            + "6161616161616161616161a36e7370a12f";
    /** BROADCAST request "r3", no local socket; on socket.io#/#bbbbbbbbbbbbbbbb# */
    static final String BROADCAST_CLIENT_COUNT = "{\"type\":11,\"data\":{\"requestId\":\"r3\",\"clientCount\":0},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** a client acks "ok" to request "r3"; on socket.io#/#bbbbbbbbbbbbbbbb# */
    static final String BROADCAST_ACK = "{\"type\":12,\"data\":{\"requestId\":\"r3\",\"packet\":\"ok\"},\"uid\":\"aaaaaaaaaaaaaaaa\",\"nsp\":\"/\"}";
    /** a client acks Buffer.from([7]) to request "r3"; msgpack, on socket.io#/#bbbbbbbbbbbbbbbb# */
    static final String BROADCAST_ACK_BINARY = "84a4747970650ca46461746182a9726571756573744964a27233a67061636b6574c40107a3756964b061616161616161"
            + "616161616161616161a36e7370a12f";
}
