package io.auditdrain.verifier.attest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attestation as one JSON document, the same facts the HTML report shows: its fields are the model's, in
 * snake_case, times in ISO-8601 UTC. Also writes JSON that is safe inside an HTML {@code <script>} element.
 */
public final class AttestationJson {

    private static final ObjectMapper DOCUMENT = mapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper SCRIPT = mapper();

    static {
        SCRIPT.getFactory().setCharacterEscapes(new ScriptEscapes());
    }

    private AttestationJson() {
    }

    /** The document: {@code "format"} first, then the attestation. */
    public static byte[] document(Attestation a) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", Attestation.FORMAT);
        doc.put("attestation", a);
        try {
            return DOCUMENT.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON with {@code <}, {@code >}, {@code &} and the two JavaScript line separators escaped, for a script tag. */
    static String forScript(Object value) {
        try {
            return SCRIPT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectMapper mapper() {
        SimpleModule times = new SimpleModule()
                .addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
                    @Override
                    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                        gen.writeString(value.toString());
                    }
                })
                .addSerializer(LocalDate.class, new StdSerializer<>(LocalDate.class) {
                    @Override
                    public void serialize(LocalDate value, JsonGenerator gen, SerializerProvider provider)
                            throws IOException {
                        gen.writeString(value.toString());
                    }
                });
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .registerModule(times);
    }

    /** Escapes what could end a script element or a JavaScript string early. */
    private static final class ScriptEscapes extends CharacterEscapes {
        private final int[] escapes;

        ScriptEscapes() {
            escapes = CharacterEscapes.standardAsciiEscapesForJSON();
            escapes['<'] = CharacterEscapes.ESCAPE_STANDARD;
            escapes['>'] = CharacterEscapes.ESCAPE_STANDARD;
            escapes['&'] = CharacterEscapes.ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch == 0x2028) {
                return new SerializedString("\\u2028");
            }
            if (ch == 0x2029) {
                return new SerializedString("\\u2029");
            }
            return null;
        }
    }
}
