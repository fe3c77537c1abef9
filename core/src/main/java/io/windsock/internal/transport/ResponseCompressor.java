package io.windsock.internal.transport;

import io.netty.handler.codec.compression.CompressionOptions;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Netty's response compressor (polling answers, as Node's {@code httpCompression}), which leaves alone
 * the answers that carry an entity tag: served files ({@link StaticFile}), compressed once when loaded
 * (compressed here, each would cost the network thread a compression per request); and streams (an
 * answer not complete in one message: protocol 1's htmlfile), whose chunks must reach the client as
 * they are written, not wait in a compressor's buffer.
 */
final class ResponseCompressor extends HttpContentCompressor {
    ResponseCompressor(int contentSizeThreshold, CompressionOptions... options) {
        super(contentSizeThreshold, options);
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
        if (!(response instanceof FullHttpResponse) || response.headers().contains(HttpHeaderNames.ETAG)) {
            return null;
        }
        return super.beginEncode(response, acceptEncoding);
    }
}
