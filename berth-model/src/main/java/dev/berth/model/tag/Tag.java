package dev.berth.model.tag;

/** A resource tag as ECS spells it ({@code key}/{@code value}, lower case). */
public record Tag(String key, String value) {}
