package io.auditdrain.verifier.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a point in time: a UTC day ({@code 2026-03-14}, its midnight), or an ISO-8601 time with a zone
 * ({@code 2026-03-14T13:00:00Z}, {@code 2026-03-14T13:00Z}, {@code 2026-03-14T14:00:00+01:00}).
 */
public final class TimeConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        return parse(value);
    }

    public static Instant parse(String value) {
        String v = value == null ? "" : value.strip();
        try {
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not a time: use a UTC day (2026-03-14) or a time"
                    + " with its zone (2026-03-14T13:00:00Z)");
        }
    }
}
