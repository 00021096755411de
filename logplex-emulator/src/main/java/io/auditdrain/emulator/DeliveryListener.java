package io.auditdrain.emulator;

/** Told about every attempt at sending a batch, from the sender's thread. */
@FunctionalInterface
public interface DeliveryListener {

    DeliveryListener NONE = event -> { };

    void attempted(DeliveryEvent event);
}
