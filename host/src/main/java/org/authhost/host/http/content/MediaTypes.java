package org.authhost.host.http.content;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code Content-Type} of a published file, from its extension (case-insensitive). Text types
 * carry {@code charset=utf-8}; anything unknown is {@code application/octet-stream}.
 */
final class MediaTypes {

  /** The type of a file whose extension is not known. */
  public static final String DEFAULT = "application/octet-stream";

  private static final String UTF8 = "; charset=utf-8";

  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          // Streaming media
          Map.entry("mp4", "video/mp4"),
          Map.entry("m4v", "video/mp4"),
          Map.entry("m4a", "audio/mp4"),
          Map.entry("m4s", "video/iso.segment"),
          Map.entry("mpd", "application/dash+xml"),
          Map.entry("m3u8", "application/vnd.apple.mpegurl"),
          Map.entry("ts", "video/mp2t"),
          Map.entry("webm", "video/webm"),
          Map.entry("weba", "audio/webm"),
          Map.entry("ogv", "video/ogg"),
          Map.entry("ogg", "audio/ogg"),
          Map.entry("oga", "audio/ogg"),
          Map.entry("opus", "audio/ogg"),
          Map.entry("mov", "video/quicktime"),
          Map.entry("mkv", "video/x-matroska"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("aac", "audio/aac"),
          Map.entry("flac", "audio/flac"),
          Map.entry("wav", "audio/wav"),
          Map.entry("vtt", "text/vtt" + UTF8),
          // Windows Media
          Map.entry("asf", "video/x-ms-asf"),
          Map.entry("asx", "video/x-ms-asf"),
          Map.entry("wmv", "video/x-ms-wmv"),
          Map.entry("wma", "audio/x-ms-wma"),
          Map.entry("wmx", "video/x-ms-wmx"),
          Map.entry("wvx", "video/x-ms-wvx"),
          Map.entry("wax", "audio/x-ms-wax"),
          // Web
          Map.entry("html", "text/html" + UTF8),
          Map.entry("htm", "text/html" + UTF8),
          Map.entry("txt", "text/plain" + UTF8),
          Map.entry("css", "text/css" + UTF8),
          Map.entry("js", "text/javascript" + UTF8),
          Map.entry("mjs", "text/javascript" + UTF8),
          Map.entry("json", "application/json"),
          Map.entry("xml", "application/xml"),
          Map.entry("csv", "text/csv" + UTF8),
          Map.entry("pdf", "application/pdf"),
          Map.entry("wasm", "application/wasm"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("avif", "image/avif"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("ico", "image/vnd.microsoft.icon"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"));

  private MediaTypes() {}

  /** The {@code Content-Type} for a file, from the extension of its name. */
  public static String of(Path file) {
    Path name = file.getFileName();
    return name == null ? DEFAULT : ofName(name.toString());
  }

  /** The {@code Content-Type} for a file name, from its extension. */
  public static String ofName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0 || dot == fileName.length() - 1) {
      return DEFAULT;
    }
    String type = BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    return type == null ? DEFAULT : type;
  }
}
