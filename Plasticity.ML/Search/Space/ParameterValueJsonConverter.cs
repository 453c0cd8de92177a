using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plasticity.ML.Search.Space;

/// <summary>Writes a <see cref="ParameterValue"/> as the plain JSON number, string or boolean, and reads it back.</summary>
internal sealed class ParameterValueJsonConverter : JsonConverter<ParameterValue>
{
    public override ParameterValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => ReadNumber(ref reader),
        JsonTokenType.String => ParameterValue.FromText(reader.GetString()!),
        JsonTokenType.True => ParameterValue.FromBoolean(true),
        JsonTokenType.False => ParameterValue.FromBoolean(false),
        _ => throw new JsonException($"A parameter value must be a JSON number, string or boolean; got {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, ParameterValue value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case ParameterValueKind.Number: writer.WriteNumberValue(value.Number); break;
            case ParameterValueKind.Text: writer.WriteStringValue(value.Text); break;
            default: writer.WriteBooleanValue(value.Boolean); break;
        }
    }

    private static ParameterValue ReadNumber(ref Utf8JsonReader reader)
    {
        double number = reader.GetDouble();
        if (!double.IsFinite(number)) throw new JsonException($"A parameter value must be a finite number; got {number}.");
        return ParameterValue.FromNumber(number);
    }
}
